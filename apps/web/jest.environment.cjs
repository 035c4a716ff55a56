/**
 * jsdom, plus the Fetch API classes jsdom lacks (Node has them): the router checks
 * `instanceof Response`, and the tests answer fetches with real Responses.
 */
const { TestEnvironment } = require('jest-environment-jsdom');

module.exports = class JsdomWithFetchClasses extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.Response = Response;
    this.global.Request = Request;
    this.global.Headers = Headers;
  }
};
