/**
 * The version of the vocabulary. Bump it whenever a schema under spec/ changes shape, so a stored
 * run says which vocabulary its records follow and a reader can refuse what it does not understand.
 */
export const SPEC_VERSION = 1;
