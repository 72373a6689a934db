import { MemoryStorage, Storage, StoreItems } from 'botbuilder';

/** Values added to the end of a list that keeps only its last `cap` values (a conversation's transcript). */
export interface ListAppend {
  readonly key: string;
  readonly values: readonly string[];
  readonly cap: number;
}

/**
 * botbuilder `Storage` that also keeps capped lists, appended in the same atomic write as the
 * items: a turn whose compare-and-set fails adds no lines either. Lists are read only on demand,
 * so what grows with a conversation stays off the path of every turn.
 */
export interface StateStorage extends Storage {
  write(changes: StoreItems, appends?: readonly ListAppend[]): Promise<void>;
  readList(key: string): Promise<string[]>;
}

/** For a single process without Redis: botbuilder's MemoryStorage, and the lists beside it. */
export class MemoryStateStorage extends MemoryStorage implements StateStorage {
  private readonly lists = new Map<string, string[]>();

  override async write(changes: StoreItems, appends: readonly ListAppend[] = []): Promise<void> {
    // A write that conflicts rejects here, and its lines are not added.
    await super.write(changes);
    for (const { key, values, cap } of appends) this.lists.set(key, [...(this.lists.get(key) ?? []), ...values].slice(-cap));
  }

  async readList(key: string): Promise<string[]> {
    return [...(this.lists.get(key) ?? [])];
  }
}
