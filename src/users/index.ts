export { createUsers, type UsersService, type NewUserInput, type UserUpdateInput } from "./service";
export type { UserView } from "./store";
export { usersRoutes } from "./routes";
