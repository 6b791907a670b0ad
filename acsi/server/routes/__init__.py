"""The routes of the application, one module per area: auth, pages, exports, admin, api."""
