/** The classic pages of the portfolio, as HTML for `#page`. */
export const PAGES: Record<string, string> = {
  '/': `
    <h1>Hi, I'm Ada.</h1>
    <p>I build small, careful things for the web. Step into my studio and look around.</p>
    <p><a class="cta" href="/room" data-link>Enter the studio</a></p>
    <p>Now playing: <button class="chip" data-footfall-object="record-player" data-footfall-room="studio">the record player</button></p>`,
  '/about': `
    <h1>About</h1>
    <p>Designer and developer. I play the guitar badly and read a lot.</p>`,
  '/projects': `
    <h1>Projects</h1>
    <ul id="projects"><li>Loading…</li></ul>`,
  '/contact': `
    <h1>Contact</h1>
    <p>Write to ada@example.com, or leave a note:</p>
    <form onsubmit="return false"><textarea aria-label="Your note" rows="4" cols="40"></textarea><br /><button>Send</button></form>`,
};

/** Fills the projects list; a failed fetch leaves a polite message, never an error. */
export async function loadProjects(list: HTMLElement): Promise<void> {
  try {
    const response = await fetch('/projects.json');
    const projects = (await response.json()) as { name: string; summary: string }[];
    list.replaceChildren(
      ...projects.map((project) => {
        const item = document.createElement('li');
        item.textContent = `${project.name}: ${project.summary}`;
        return item;
      }),
    );
  } catch {
    list.textContent = 'Projects are unavailable right now.';
  }
}
