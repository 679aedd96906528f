using OmsSync.Shell;

return ShellApplication.Run(args);
