import { flushFlowCoverage } from './flowCoverage';

afterAll(() => flushFlowCoverage());
