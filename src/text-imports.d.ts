// Views and migrations are imported as text so the same code runs from source and in the compiled binary.
declare module "*.eta" {
  const text: string;
  export default text;
}
declare module "*.sql" {
  const text: string;
  export default text;
}
