export { CoLocationConstraint } from "./co-location-constraint.js";
export { CoLocationGroup } from "./co-location-group.js";
export { assertCoLocationInvariants, checkCoLocationInvariants } from "./co-location-invariants.js";
