// Verification status on the site: <VerificationBadge example="examples/…"/> and <GoalStatus/>.
export {default as VerificationBadge, StatusBadge} from './VerificationBadge';
export {default as GoalStatus} from './GoalStatus';
