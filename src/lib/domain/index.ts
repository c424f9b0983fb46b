/** The pure domain core: types, periods, frame arithmetic, the rules and ranks (see SPEC.md). */
export * from './types';
export * from './catalogue';
export * from './periods';
export * from './frame';
export * from './rules';
export * from './rank';
