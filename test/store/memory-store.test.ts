import { MemoryStore } from '../../engine/store/memory-store';
import { storeContract } from './store-contract';

storeContract('memory', () => ({
  fresh: async () => new MemoryStore(),
  cleanup: async () => undefined,
}));
