"""The read side adapters use: plain answers to the questions a platform asks (autocomplete, where a
home is, what the console must re-learn at start), so no adapter queries the core's tables itself."""
