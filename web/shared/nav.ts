/** The header every page shares: the three views and the playground. */
const LINKS = [["/explore/", "Explorer"], ["/map/", "Map"], ["/dashboard/", "Dashboard"], ["/", "Playground"]] as const;

export function renderHeader(current: string): void {
  const header = document.querySelector("header.top");
  if (!header) return;
  const links = LINKS.map(([href, label]) => `<a href="${href}"${href === current ? ' aria-current="page"' : ""}>${label}</a>`).join("");
  header.innerHTML = `<h1>coopgraph</h1><nav aria-label="Views">${links}</nav>`;
}
