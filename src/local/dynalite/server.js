'use strict'
// Starts dynalite as its cli.js does (in memory, tables ACTIVE at once), on the host and port given:
//   node server.js --host 127.0.0.1 --port 8000
// One difference: a client that gives up on a request mid-body (an AWS SDK attempt timeout closes the socket)
// no longer ends the process. dynalite rethrows that request's error (index.js:
// `req.on('error', function (err) { throw err })`), which is uncaught and kills the server; the request never
// reached dynalite's handler, so nothing was half-written and serving on is safe. Any other uncaught error still
// ends the process, as before.
const dynalite = require('dynalite')

// A second difference: DynamoDB hands back the item a condition failed on when the request asks for it
// (ReturnValuesOnConditionCheckFailure: ALL_OLD, on PutItem, UpdateItem and DeleteItem: the error body's "Item");
// dynalite 4.0.0 predates that parameter and drops it as unknown. Both are added where dynalite decides the
// condition: under the item's lock, with the very item the condition was checked against, as DynamoDB does.
const db = require('dynalite/db')
for (const action of ['putItem', 'updateItem', 'deleteItem']) {
  require('dynalite/validations/' + action).types.ReturnValuesOnConditionCheckFailure = {
    type: 'String',
    enum: ['ALL_OLD', 'NONE'],
  }
}
const checkConditional = db.checkConditional
db.checkConditional = function (data, existingItem) {
  const failed = checkConditional(data, existingItem)
  if (failed && existingItem && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
    failed.body.Item = existingItem
  }
  return failed
}

function option (name, fallback) {
  const at = process.argv.indexOf('--' + name)
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback
}

process.on('uncaughtException', function (err) {
  if (err && err.code === 'ECONNRESET' && err.message === 'aborted') {
    console.log('a client closed its connection during a request (' + err.message + '); still serving')
    return
  }
  console.error(err)
  process.exit(1)
})

const host = option('host', '127.0.0.1')
const port = Number(option('port', '8000'))
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.listen(port, host, function () {
  console.log('Dynalite listening at: http://%s:%s', host, server.address().port)
})
