/** The board contract (DESIGN.md §5): doc layout, room names and typed operations. */
export * from './schema';
export * from './visits';
export * from './absences';
export * from './signals';
export * from './huddle';
export { newId } from './ids';
export * from './limits';
