export type { EngineConfig } from './engine.js';
export { createEngine, defaultEngineConfig } from './engine.js';
export type { FaultConfig } from './faults.js';
export type { Role } from './roles.js';
export type { SimOptions, SimServer } from './server.js';
export { startSimServer } from './server.js';
