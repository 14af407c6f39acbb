/** The SDK's own version (semver) and the contract version plugins declare. A breaking change of the contract bumps both. */
export const SDK_VERSION = '1.0.0';
export const CONTRACT_VERSION = 1;
