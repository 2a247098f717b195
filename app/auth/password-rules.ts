/** Long enough to resist guessing at the lock-out's pace, short enough to type. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
