import type { ActionDefinition } from "@copilot-runtime/protocol";

const CITIES: Record<string, { temperatureC: number; sky: string }> = {
  berlin: { temperatureC: 11, sky: "cloudy" },
  paris: { temperatureC: 14, sky: "sunny" },
  tokyo: { temperatureC: 18, sky: "light rain" },
  "new york": { temperatureC: 9, sky: "windy" },
};

/** The demo's server-side actions: CopilotKit's classic `sayHello` example action and a data lookup. */
export const demoActions: ActionDefinition[] = [
  {
    name: "sayHello",
    description: "Says hello to someone.",
    parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
    handler: async ({ arg }) => `Hello, ${String(arg)}! (said by the server at ${new Date().toISOString()})`,
  },
  {
    name: "lookupWeather",
    description: "Looks up today's weather for a city in the demo's small database.",
    parameters: [{ name: "city", type: "string", description: "The city name.", required: true }],
    handler: async ({ city }) => {
      const found = CITIES[String(city).toLowerCase()];
      if (!found) return { city, error: `No weather data for ${String(city)}. Known cities: ${Object.keys(CITIES).join(", ")}.` };
      return { city, ...found };
    },
  },
];
