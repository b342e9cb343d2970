/** The explorer's time bar counts the projects drawn from the years their nodes carry. */
import { describe, expect, it } from "vitest";
import { countYears } from "../../web/explore/years.js";

describe("countYears", () => {
  it("counts each project active from its start year to its end year, every year in between, other kinds left out", () => {
    expect(countYears([
      { kind: "Project", startYear: 2020, endYear: 2021 },
      { kind: "Project", startYear: 2023, endYear: null },
      { kind: "Agency", startYear: null, endYear: null },
      { kind: "Project", startYear: null, endYear: 2022 },
    ])).toEqual([
      { year: 2020, active: 1, started: 1 },
      { year: 2021, active: 1, started: 0 },
      { year: 2022, active: 0, started: 0 },
      { year: 2023, active: 1, started: 1 },
    ]);
  });

  it("reads an end before the start as the start year alone, and draws nothing without a dated project", () => {
    expect(countYears([{ kind: "Project", startYear: 2019, endYear: 2010 }])).toEqual([{ year: 2019, active: 1, started: 1 }]);
    expect(countYears([{ kind: "Country" }])).toEqual([]);
  });

  it("leaves out a project whose year is not plausible, so that one mistyped year does not push the real ones off the bar", () => {
    expect(countYears([{ kind: "Project", startYear: 1, endYear: 1 }, { kind: "Project", startYear: 2020, endYear: 2021 }])).toEqual([
      { year: 2020, active: 1, started: 1 },
      { year: 2021, active: 1, started: 0 },
    ]);
    const long = countYears([{ kind: "Project", startYear: 1900, endYear: 2199 }]);
    expect(long).toHaveLength(200);
    expect(long.at(-1)!.year).toBe(2099);
  });
});
