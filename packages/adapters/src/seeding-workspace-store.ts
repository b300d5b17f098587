import {
  TransientError,
  WorkspaceConflictError,
  grantRole,
  importWorkspace,
  type Clock,
  type Logger,
  type StoredMediaList,
  type Workspace,
  type WorkspaceDeps,
  type WorkspaceLogEntry,
  type WorkspaceStore,
  type WorkspaceWrite,
} from "@pressbridge/core";
import { mediaListsOf, type WorkspaceFile } from "./workspace-file.ts";

/** Who the seed's writes and log entries name. */
export const DEPLOY_ACTOR = "deploy";

/** Whole attempts at the seed when it loses a race to another container's (each a fresh read). */
const SEED_ATTEMPTS = 4;

/** The deploy's config file: where it is (for the log) and how to read it (only when a seed needs it). */
export interface DeployFile {
  describe: string;
  read(): WorkspaceFile;
}

/**
 * The workspace of a deployed service (docs/deploy.md, "The workspace and the deploy's config
 * file"): a WorkspaceStore whose first use in a container makes sure the workspace was seeded.
 *
 * - Never seeded (Workspace.seededAt undefined: the stage's first deploy): the deploy's config file
 *   is imported (clients, feeds, settings, people, and the hashed media lists shipped beside it),
 *   the first admin granted, and the workspace marked seeded. Two cold containers may do this at
 *   once: the import is an idempotent upsert of conditional writes, a lost race is retried from a
 *   fresh read, markSeeded is conditional, and a container that finds the workspace seeded
 *   meanwhile stops writing (its reads say so before each write), so an edit made in the app right
 *   after the seed is never overwritten by a slower seeder.
 * - Seeded: the deploy's file is ignored from then on (logged once per container), whatever a
 *   later deploy ships; the workspace is managed in the app. Only when no one is an admin at all
 *   is the deploy's first admin granted again, so a deploy can recover a locked-out workspace.
 *   Nothing is ever removed.
 *
 * A failed seed fails the load (the invocation is retried) and is tried again at the next load.
 */
export class SeedingWorkspaceStore implements WorkspaceStore {
  private readonly store: WorkspaceStore;
  private readonly deployFile: DeployFile | undefined;
  private readonly firstAdmin: string | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private ready: Promise<void> | undefined;

  constructor(options: { store: WorkspaceStore; deployFile?: DeployFile | undefined; firstAdmin?: string | undefined; clock: Clock; logger: Logger }) {
    this.store = options.store;
    this.deployFile = options.deployFile;
    this.firstAdmin = options.firstAdmin?.trim() || undefined;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  async load(): Promise<Workspace> {
    await this.seeded();
    return this.store.load();
  }

  async commit(writes: readonly WorkspaceWrite[], entry: WorkspaceLogEntry): Promise<void> {
    await this.seeded();
    return this.store.commit(writes, entry);
  }

  async log(options: { limit: number; before?: string }): Promise<WorkspaceLogEntry[]> {
    await this.seeded();
    return this.store.log(options);
  }

  async mediaList(clientId: string): Promise<StoredMediaList | undefined> {
    await this.seeded();
    return this.store.mediaList(clientId);
  }

  async putMediaList(list: StoredMediaList, entry: WorkspaceLogEntry, options?: { ifAbsent?: boolean }): Promise<void> {
    await this.seeded();
    return this.store.putMediaList(list, entry, options);
  }

  async deleteMediaList(clientId: string, entry: WorkspaceLogEntry): Promise<boolean> {
    await this.seeded();
    return this.store.deleteMediaList(clientId, entry);
  }

  async markSeeded(at: string, by: string): Promise<boolean> {
    return this.store.markSeeded(at, by);
  }

  /** Once per container (again after a failure). */
  private seeded(): Promise<void> {
    this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async prepare(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const ws = await this.store.load();
        if (ws.seededAt === undefined) await this.seed();
        else await this.alreadySeeded(ws);
        return;
      } catch (err) {
        // Lost a race with another container's seed (a version moved, or two transactions collided).
        const lostRace = err instanceof WorkspaceConflictError || err instanceof TransientError;
        if (!lostRace || attempt >= SEED_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * attempt));
      }
    }
  }

  private async seed(): Promise<void> {
    const at = this.clock.now().toISOString();
    const file = this.deployFile?.read();
    const lists = file === undefined ? [] : mediaListsOf(file, DEPLOY_ACTOR, at).lists;
    // Every read of the seed's own writes stops it once someone else has seeded the workspace.
    const deps: WorkspaceDeps = { workspace: unlessSeeded(this.store), clock: this.clock };
    try {
      const summary = file === undefined ? undefined : await importWorkspace(deps, file, DEPLOY_ACTOR, lists);
      const admin = this.firstAdmin === undefined ? undefined : await grantRole(deps, { email: this.firstAdmin, role: "admin" }, DEPLOY_ACTOR);
      const marked = await this.store.markSeeded(at, DEPLOY_ACTOR);
      this.logger.info("workspace seeded from the deploy's config file", {
        file: this.deployFile?.describe ?? "none",
        created: summary?.created.length ?? 0,
        updated: summary?.updated.length ?? 0,
        mediaLists: summary?.mediaLists.length ?? 0,
        firstAdmin: admin === undefined ? "none" : admin.status,
        marked,
      });
    } catch (err) {
      if (!(err instanceof SeededMeanwhile)) throw err;
      await this.alreadySeeded(await this.store.load());
    }
  }

  private async alreadySeeded(ws: Workspace): Promise<void> {
    if (this.deployFile !== undefined) {
      this.logger.info("the deploy's config file is ignored: the workspace is managed in the app", { file: this.deployFile.describe, seededAt: ws.seededAt });
    }
    if (this.firstAdmin === undefined || ws.people.some((p) => p.grants.some((g) => g.role === "admin"))) return;
    const granted = await grantRole({ workspace: this.store, clock: this.clock }, { email: this.firstAdmin, role: "admin" }, DEPLOY_ACTOR);
    this.logger.info("the workspace had no admin: the deploy's first admin was granted admin", { status: granted.status });
  }
}

/** The seed found the workspace seeded by someone else meanwhile: it writes nothing more. */
class SeededMeanwhile extends Error {
  override readonly name = "SeededMeanwhile";
}

/** The store, except that a read finding the workspace seeded stops the seed (before it writes on what it read). */
function unlessSeeded(store: WorkspaceStore): WorkspaceStore {
  const checked = async (): Promise<Workspace> => {
    const ws = await store.load();
    if (ws.seededAt !== undefined) throw new SeededMeanwhile("the workspace was seeded meanwhile");
    return ws;
  };
  return {
    load: checked,
    commit: (writes, entry) => store.commit(writes, entry),
    log: (options) => store.log(options),
    mediaList: async (clientId) => {
      await checked();
      return store.mediaList(clientId);
    },
    putMediaList: (list, entry, options) => store.putMediaList(list, entry, options),
    deleteMediaList: (clientId, entry) => store.deleteMediaList(clientId, entry),
    markSeeded: (at, by) => store.markSeeded(at, by),
  };
}
