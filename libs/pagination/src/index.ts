export { PageArgs, Paginated, pageBounds, MAX_PAGE_SIZE, type Page } from './page.js';
