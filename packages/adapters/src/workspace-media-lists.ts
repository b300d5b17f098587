import type { MediaContact, MediaListSource, WorkspaceStore } from "@pressbridge/core";

/**
 * Each client's media list as planning reads it: from the workspace (imported in the app, the CLI
 * or with the config file), hashed. A plan is made with the list as it is when the plan is made.
 */
export class WorkspaceMediaLists implements MediaListSource {
  private readonly workspace: Pick<WorkspaceStore, "mediaList">;

  constructor(workspace: Pick<WorkspaceStore, "mediaList">) {
    this.workspace = workspace;
  }

  async mediaListFor(clientId: string): Promise<{ contacts: MediaContact[]; source: string } | undefined> {
    const list = await this.workspace.mediaList(clientId);
    if (list === undefined) return undefined;
    const contacts = list.contacts.map((c): MediaContact => {
      const contact: MediaContact = { emailSha256: c.emailSha256 };
      if (c.outlet !== undefined) contact.outlet = c.outlet;
      if (c.beat !== undefined) contact.beat = c.beat;
      return contact;
    });
    return { contacts, source: list.source };
  }
}
