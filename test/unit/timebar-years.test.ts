/** The explorer's time bar counts the projects drawn from the years their nodes carry. */
import { describe, expect, it } from "vitest";
import { activeIn } from "../../web/explore/filters.js";
import { countYears, inNoYear } from "../../web/explore/years.js";

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

  it("counts a project that ends before it starts in no year, as the year filter keeps it for no year alone, and says how many", () => {
    const backwards = { kind: "Project", startYear: 2019, endYear: 2010 };
    expect(countYears([backwards])).toEqual([]);
    expect(countYears([backwards, { kind: "Project", startYear: 2018, endYear: 2019 }])).toEqual([
      { year: 2018, active: 1, started: 1 },
      { year: 2019, active: 1, started: 0 },
    ]);
    expect(inNoYear([backwards, { kind: "Project", startYear: 2018, endYear: 2019 }, { kind: "Project", startYear: 2020, endYear: null }])).toBe(1);
    expect(countYears([{ kind: "Country" }])).toEqual([]);
  });

  it("counts in each year exactly the projects the year filter keeps for that year alone", () => {
    const shapes = [null, 2016, 2017, 2018, 2019, 2020];
    const projects = shapes.flatMap((startYear) => shapes.map((endYear) => ({ kind: "Project", startYear, endYear })));
    const counts = countYears(projects);
    expect(counts.map((c) => c.year)).toEqual([2016, 2017, 2018, 2019, 2020]);
    for (const { year, active, started } of counts) {
      expect(active, String(year)).toBe(projects.filter((p) => activeIn(p, year, year)).length);
      expect(started, String(year)).toBe(projects.filter((p) => p.startYear === year && activeIn(p, year, year)).length);
    }
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
