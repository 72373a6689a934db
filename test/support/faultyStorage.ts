import type { StoreItems } from 'botbuilder';
import { ListAppend, MemoryStateStorage } from '../../src/state/stateStorage';

/**
 * Memory storage whose writes can be made to go wrong: the next one loses a race (as if another
 * turn saved first), fails (as if Redis went away for one turn), or every one loses its race.
 */
export class FaultyStorage extends MemoryStateStorage {
  loseNextWrite = false;
  failNextWrite = false;
  loseEveryWrite = false;

  override async write(changes: StoreItems, appends?: readonly ListAppend[]): Promise<void> {
    if (this.loseEveryWrite || this.loseNextWrite) {
      this.loseNextWrite = false;
      throw new Error('Storage: error writing "conversation" due to eTag conflict.');
    }
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('storage unavailable');
    }
    return super.write(changes, appends);
  }
}
