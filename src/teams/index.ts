export { createTeams, type TeamsService, type TeamInput } from "./service";
export { teamsRoutes } from "./routes";
