import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../packages/core/src/feeds/index.ts";
import { FEED_URL, rss, utf8 } from "./fixtures.ts";

const MRSS = 'xmlns:media="http://search.yahoo.com/mrss/"';

async function imageOf(item: string, doc?: (item: string) => Uint8Array): Promise<string | undefined> {
  const bytes = doc === undefined ? utf8(`<?xml version="1.0"?><rss version="2.0" ${MRSS}><channel><title>T</title><link>https://wire.example.com/</link>${item}</channel></rss>`) : doc(item);
  const feed = await parseFeed(bytes, { feedUrl: FEED_URL });
  expect(feed.items).toHaveLength(1);
  return feed.items[0]!.imageUrl;
}

describe("release image extraction", () => {
  it("reads media:content with medium or image type, resolving relative URLs against the base", async () => {
    expect(await imageOf('<item><title>A</title><media:content url="https://cdn.example.com/a.jpg" medium="image"/></item>')).toBe("https://cdn.example.com/a.jpg");
    expect(await imageOf('<item><title>A</title><media:content url="/img/logo" type="image/png"/></item>')).toBe("https://wire.example.com/img/logo");
  });

  it("skips media:content that is not an image and falls back to an image enclosure, then a thumbnail", async () => {
    expect(
      await imageOf(
        '<item><title>A</title><media:content url="https://cdn.example.com/v.mp4" type="video/mp4"/><enclosure url="https://cdn.example.com/e.webp" type="image/webp" length="10"/></item>',
      ),
    ).toBe("https://cdn.example.com/e.webp");
    expect(
      await imageOf(
        '<item><title>A</title><enclosure url="https://cdn.example.com/r.pdf" type="application/pdf" length="10"/><media:thumbnail url="https://cdn.example.com/t.gif"/></item>',
      ),
    ).toBe("https://cdn.example.com/t.gif");
  });

  it("reads media:content inside media:group, and a typeless one only when its path names an image file", async () => {
    expect(await imageOf('<item><title>A</title><media:group><media:content url="https://cdn.example.com/g.jpeg"/></media:group></item>')).toBe("https://cdn.example.com/g.jpeg");
    expect(await imageOf('<item><title>A</title><media:content url="https://cdn.example.com/download?id=1"/></item>')).toBeUndefined();
  });

  it("reads Media RSS bound to another prefix", async () => {
    const doc = (item: string) =>
      utf8(`<?xml version="1.0"?><rss version="2.0" xmlns:m="http://search.yahoo.com/mrss/"><channel><title>T</title>${item}</channel></rss>`);
    expect(await imageOf('<item><title>A</title><m:thumbnail url="https://cdn.example.com/p.png"/></item>', doc)).toBe("https://cdn.example.com/p.png");
  });

  it("reads an Atom enclosure link of an image type", async () => {
    const doc = (entry: string) =>
      utf8(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x</id>${entry}</feed>`);
    expect(
      await imageOf(
        '<entry><title>A</title><id>urn:a</id><link href="https://wire.example.com/a"/><link rel="enclosure" type="image/jpeg" href="https://cdn.example.com/atom.jpg"/></entry>',
        doc,
      ),
    ).toBe("https://cdn.example.com/atom.jpg");
  });

  it("refuses hostile or unusable image URLs: non-http schemes, over-long URLs, and items without an image", async () => {
    expect(await imageOf('<item><title>A</title><media:thumbnail url="javascript:alert(1)"/><enclosure url="file:///etc/passwd" type="image/png"/></item>')).toBeUndefined();
    expect(await imageOf('<item><title>A</title><media:thumbnail url="data:image/png;base64,AAAA"/></item>')).toBeUndefined();
    const long = `https://cdn.example.com/${"a".repeat(2100)}.jpg`;
    expect(await imageOf(`<item><title>A</title><media:content url="${long}" medium="image"/></item>`)).toBeUndefined();
    const feed = await parseFeed(rss("<item><title>A</title></item>"), { feedUrl: FEED_URL });
    expect(feed.items[0]).not.toHaveProperty("imageUrl");
  });
});
