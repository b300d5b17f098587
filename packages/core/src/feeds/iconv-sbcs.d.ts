/**
 * Types for the parts of iconv-lite that decode-feed-bytes.ts loads directly: its single-byte
 * codec and the tables it reads (the package ships no types for them).
 */
declare module "iconv-lite/encodings/sbcs-codec.js" {
  interface SbcsDecoder {
    write(bytes: Uint8Array): string;
  }
  interface SbcsCodec {
    decoder: new (options: unknown, codec: SbcsCodec) => SbcsDecoder;
  }
  const codecs: {
    _sbcs: new (options: { type: string; chars: string }, iconv: { defaultCharSingleByte: string }) => SbcsCodec;
  };
  export default codecs;
}

declare module "iconv-lite/encodings/sbcs-data.js" {
  const table: Readonly<Record<string, string | number | { type: string; chars: string }>>;
  export default table;
}

declare module "iconv-lite/encodings/sbcs-data-generated.js" {
  const table: Readonly<Record<string, string | number | { type: string; chars: string }>>;
  export default table;
}
