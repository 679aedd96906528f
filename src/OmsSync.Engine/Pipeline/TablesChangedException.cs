namespace OmsSync.Engine.Pipeline;

/// <summary>The direction's tables changed in a way only a fresh read of them covers: the stream restarts from the checkpoint with them.</summary>
internal sealed class TablesChangedException() : Exception("The direction's tables changed; reading them anew.");
