//! Configuration and the `useConfig` presets.
