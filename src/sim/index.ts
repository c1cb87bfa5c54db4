export type {
  ServedRole,
  SimAnswer,
  SimMessage,
  SimRole,
  SimRoleRequest,
  SimToolCall,
} from './custom-role.js';
export type { EngineConfig } from './engine.js';
export { createEngine, defaultEngineConfig } from './engine.js';
export type { Fault, FaultConfig } from './faults.js';
export { faultConfigProblem } from './faults.js';
export { REQUESTS_TOTAL } from './metrics.js';
export type { Role } from './roles.js';
export type { SimOptions, SimServer } from './server.js';
export { startSimServer } from './server.js';
