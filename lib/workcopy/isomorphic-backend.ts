import { IntegralGitError } from '../errors';
import { NativeDriver } from './native-backend';

/** Placeholder until the isomorphic-git driver lands (next commit). */
export class IsomorphicDriver extends NativeDriver {
  constructor() {
    super();
    throw new IntegralGitError('IG_INTERNAL', 'the isomorphic backend is not implemented yet: use "git": "native"');
  }
}
