import { packageConfig } from '../../tsup.config.base.ts';

// The library entry and the `hvkit` executable (package.json "bin").
export default packageConfig(['src/index.ts', 'src/bin.ts']);
