export { prepareRuntime, exitOnStartupError, type Runtime } from './runtime.js';
export { RuntimeModule } from './runtime.module.js';
