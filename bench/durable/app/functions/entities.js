const df = require('durable-functions');

// The counter of Microsoft's entity throughput scenario.
df.app.entity('counter', (context) => {
  const value = context.df.getState(() => 0);
  if (context.df.operationName === 'add') context.df.setState(value + context.df.getInput());
  else if (context.df.operationName === 'get') context.df.return(value);
});
