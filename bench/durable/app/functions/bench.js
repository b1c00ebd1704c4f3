const df = require('durable-functions');

df.app.activity('noop', { handler: (input) => input });

df.app.orchestration('fanOutFanIn', function* (context) {
  const tasks = [];
  for (let i = 0; i < context.df.getInput(); i++) tasks.push(context.df.callActivity('noop', i));
  const results = yield context.df.Task.all(tasks);
  return results.length;
});

df.app.orchestration('sequential', function* (context) {
  for (let i = 0; i < context.df.getInput(); i++) yield context.df.callActivity('noop', i);
  return context.df.getInput();
});
