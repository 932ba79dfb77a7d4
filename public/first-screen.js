// Paints the field's first screen as the app last showed it, before the app's code has loaded:
// see src/composables/first-screen.ts. A file of its own: the content security policy allows no inline script.
;(() => {
  const KEY = 'giao-uoc.first-screen'
  try {
    const root = document.getElementById('app')
    const entry = document.querySelector('script[type="module"][src]')
    /** @type {{ entry: string, styles: string[], html: string } | null} */
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null')
    if (!root || !entry || !saved || location.pathname !== '/' || saved.entry !== entry.getAttribute('src')) return
    const present = [...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => link.getAttribute('href'))
    for (const href of saved.styles) {
      if (present.includes(href)) continue
      const link = document.createElement('link')
      link.rel = 'stylesheet'
      link.href = href
      document.head.append(link)
    }
    root.innerHTML = saved.html
    root.setAttribute('aria-busy', 'true')
    root.addEventListener('click', (event) => {
      if (!(event.target instanceof Element) || !root.hasAttribute('aria-busy')) return
      event.preventDefault()
      const link = event.target.closest('a[href]')
      if (link) root.dataset.tapped = link.getAttribute('href') ?? ''
    })
    performance.mark('giao-uoc:first-screen')
  } catch {
    // The app paints its first screen itself.
  }
})()
