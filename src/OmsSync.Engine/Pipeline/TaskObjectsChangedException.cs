namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The task's objects changed while a direction ran (Set-OmsTask -Include, -Exclude, ... on a running task, or a joining
/// table's copy ended): the worker runs the direction's phases again with the task as it is now, from the checkpoint.
/// </summary>
internal sealed class TaskObjectsChangedException() : Exception("The task's objects changed; its phases run again with them.");
