/**
 * The embedded GPT's hyperparameters and their defaults, apart from the model so the command line
 * can show the defaults without loading it.
 */

/** Model hyperparameters (the vocabulary size comes from the tokenizer). */
export interface GptConfig {
  /** Transformer blocks. */
  layers: number;
  /** Attention heads per block; must divide `width`. */
  heads: number;
  /** Embedding width (channels). */
  width: number;
  /** Longest input sequence in tokens, counting the leading end token. */
  contextLength: number;
  /** Standard deviation of the initial weights (GPT-2: 0.02). */
  initStandardDeviation: number;
}

/** Defaults sized for the toy task families on a 2-core CPU. */
export const defaultGptConfig: GptConfig = {
  layers: 2, // two blocks suffice for carries in 3-digit addition
  heads: 4, // headSize 32 at width 128
  width: 128, // width 64 learns 3-digit addition too, but needs more steps
  contextLength: 32, // toy prompts + completions are short; attention cost grows with its square
  initStandardDeviation: 0.02, // GPT-2
};
