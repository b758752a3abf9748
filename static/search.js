// As-you-type suggestions for every search box, following the ARIA combobox pattern (list
// autocomplete). Progressive: without this script the form still submits to /search.
(() => {
  'use strict';
  const DELAY_MS = 120;
  // The page's language: suggestions come from its pages, in its words.
  const LANG = document.documentElement.lang === 'es' ? 'es' : 'en';
  // The script's few words, in the page's language (the pages' own words are in locales/).
  const WORDS = {
    en: {
      suggestions: 'Suggestions',
      condition: 'condition',
      medication: 'medication',
      count: (n) => `${n} suggestion${n === 1 ? '' : 's'}; use the arrow keys to choose.`,
    },
    es: {
      suggestions: 'Sugerencias',
      condition: 'enfermedad',
      medication: 'medicamento',
      count: (n) => `${n} sugerencia${n === 1 ? '' : 's'}; use las flechas para elegir.`,
    },
  }[LANG];
  // On an English page, a reader whose browser prefers Spanish is offered the Spanish page (a
  // suggestion only: nothing is redirected).
  const hint = document.querySelector('.language-hint');
  if (hint && (navigator.languages || [navigator.language]).some((l) => /^es\b/i.test(l || ''))) {
    hint.hidden = false;
  }
  document.querySelectorAll('form.search').forEach((form) => {
    const input = form.querySelector('input[name="q"]');
    if (!input || !input.id) return;
    const list = document.createElement('ul');
    list.id = `${input.id}-suggestions`;
    list.className = 'suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', WORDS.suggestions);
    list.hidden = true;
    const status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    form.append(list, status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);

    let options = [];
    let active = -1;
    let timer = 0;
    let pending = null;

    const setActive = (index) => {
      options.forEach((option, i) => option.setAttribute('aria-selected', String(i === index)));
      active = index;
      if (index >= 0) {
        input.setAttribute('aria-activedescendant', options[index].id);
        options[index].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    };
    const close = () => {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      setActive(-1);
    };
    const show = (suggestions) => {
      list.replaceChildren();
      options = suggestions.map((suggestion, i) => {
        const option = document.createElement('li');
        option.id = `${list.id}-${i}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.dataset.url = suggestion.url;
        option.textContent = suggestion.title;
        const kind = document.createElement('span');
        kind.className = 'muted';
        kind.textContent = ` (${WORDS[suggestion.kind] || suggestion.kind})`;
        option.append(kind);
        option.addEventListener('mousedown', (event) => event.preventDefault());
        option.addEventListener('click', () => { window.location.href = suggestion.url; });
        list.append(option);
        return option;
      });
      status.textContent = options.length ? WORDS.count(options.length) : '';
      if (options.length) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        setActive(-1);
      } else {
        close();
      }
    };
    const fetchSuggestions = async () => {
      const query = input.value.trim();
      if (query.length < 2) { show([]); return; }
      pending?.abort();
      pending = new AbortController();
      try {
        const response = await fetch(`/api/v1/suggest?q=${encodeURIComponent(query)}&lang=${LANG}`, { signal: pending.signal });
        if (response.ok) show((await response.json()).suggestions);
      } catch {
        // Offline or aborted: the form still works.
      }
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown' && options.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
        setActive((active + 1) % options.length);
      } else if (event.key === 'ArrowUp' && options.length) {
        event.preventDefault();
        setActive(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === 'Enter' && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.href = options[active].dataset.url;
      } else if (event.key === 'Escape' && !list.hidden) {
        // First Escape closes the list; only a second one clears the box (the browser's own).
        event.preventDefault();
        close();
      }
    });
    input.addEventListener('blur', close);
  });
})();
