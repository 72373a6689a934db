import { flushVisitedStates } from './stateCoverage';

afterAll(() => flushVisitedStates());
