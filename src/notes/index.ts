export { createNotes, MAX_NOTE, type NotesService, type NoteRow } from "./service";
export { notesApi as notesRoutes, noteJson, canSeeNote } from "./api";
export { findMentions } from "./mentions";
