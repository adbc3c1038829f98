//! REST commands: request building and response mapping.
