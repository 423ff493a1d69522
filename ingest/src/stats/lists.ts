/** Rows of every ranked list the read API serves: enough for a first screen, bounded whatever the data. */
export const LIST_LENGTH = 10;
