import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { ContentDirectory } from './parts.js';
import type { ContentAdapter } from './pipeline-types.js';

/** The features' content as moderation reaches it: one adapter per kind, registered at start-up. */
export function createContentDirectory(pseudonym: Pseudonyms): ContentDirectory & { adapters: ReadonlyMap<string, ContentAdapter> } {
  const adapters = new Map<string, ContentAdapter>();
  const adapterFor: ContentDirectory['adapterFor'] = (ref) => {
    const adapter = adapters.get(ref.kind);
    if (!adapter) throw new CommandError(ErrorCode.NOT_FOUND, 'No such item.');
    return adapter;
  };
  return {
    adapters,
    register(adapter) {
      adapters.set(adapter.kind, adapter);
    },
    adapterFor,
    async describe(ref) {
      const item = await adapterFor(ref).describe(ref.id);
      if (!item) throw new CommandError(ErrorCode.NOT_FOUND, 'No such item.');
      return item;
    },
    handleOf: (item) => pseudonym(item.authorId, item.place.id),
  };
}
