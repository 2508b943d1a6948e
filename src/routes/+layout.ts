export const prerender = false;
export const ssr = true;
