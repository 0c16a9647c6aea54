"""Pure extraction functions: text or a response in, plain values out. No I/O."""
