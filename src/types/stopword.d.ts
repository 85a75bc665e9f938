/** The part of the stopword package deskops uses (it ships no type declarations). */
declare module 'stopword' {
  /** English stop words, lower-case. */
  export const eng: readonly string[];
}
