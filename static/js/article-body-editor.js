// The article body's rich-text editor in the admin (see articles/widgets.py).
//
// django-prose-editor's Tiptap build is imported by a relative URL rather than through an inline
// import map, and Tiptap's injected <style> is turned off (css/article-body-editor.css carries the
// few rules it held): the site's Content-Security-Policy allows only scripts and styles from its
// own files. The textarea stays in the form and holds the editor's HTML, which the server cleans.
import * as prose from "../django_prose_editor/editor.js"

const SELECTOR = "[data-django-prose-editor-article]"

// <cite> inside a paragraph or quote: the sanitiser keeps it, so the editor must not drop it.
const Cite = prose.Mark.create({
  name: "cite",
  parseHTML: () => [{ tag: "cite" }],
  renderHTML: ({ HTMLAttributes }) => ["cite", HTMLAttributes, 0],
})

// <blockquote cite="…">: the quote's source address, kept through an edit.
const QuoteSource = prose.Extension.create({
  name: "quoteSource",
  addGlobalAttributes: () => [
    {
      types: ["blockquote"],
      attributes: {
        cite: {
          default: null,
          parseHTML: (element) => element.getAttribute("cite"),
          renderHTML: (attributes) => (attributes.cite ? { cite: attributes.cite } : {}),
        },
      },
    },
  ],
})

function extensionsFrom(textarea) {
  const config = JSON.parse(textarea.getAttribute("data-django-prose-editor-article") || "{}")
  const extensions = [Cite, QuoteSource]
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = prose[name]
    if (!extension) {
      console.warn(`Article editor: no extension called ${name}`)
    } else {
      extensions.push(typeof options === "object" ? extension.configure(options) : extension)
    }
  }
  return extensions
}

// ProseMirror always holds one paragraph; an untouched empty editor is an empty body.
const emptyBlock = /^<(\w+)(\s[^>]*)?><\/\1>$/

function start(textarea) {
  const disabled = textarea.hasAttribute("disabled")
  const element = document.createElement("div")
  element.className = disabled ? "prose-editor disabled" : "prose-editor"
  textarea.before(element)
  element.append(textarea)
  const label = document.querySelector(`label[for="${textarea.id}"]`)
  return new prose.Editor({
    element,
    editable: !disabled,
    injectCSS: false,
    // The textarea is hidden; its label names the editable area for screen readers.
    editorProps: { attributes: { "aria-label": label ? label.textContent.replace(/:$/, "") : "Body" } },
    extensions: extensionsFrom(textarea),
    content: textarea.value,
    onUpdate({ editor }) {
      const html = editor.getHTML()
      textarea.value = emptyBlock.test(html) ? "" : html
      textarea.dispatchEvent(new Event("input", { bubbles: true }))
    },
  })
}

for (const textarea of document.querySelectorAll(SELECTOR)) {
  start(textarea)
}
