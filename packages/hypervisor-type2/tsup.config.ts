import { packageConfig } from '../../tsup.config.base.ts';

// The port and VM manager, the Node adapter, and the worker entry the adapter starts.
export default packageConfig(['src/index.ts', 'src/node/index.ts', 'src/node/vm-worker.ts']);
