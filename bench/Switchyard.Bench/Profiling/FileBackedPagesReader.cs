using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Win32.SafeHandles;

namespace Switchyard.Bench.Profiling;

/// <summary>
/// Reads a suspended Linux process's memory for ClrMD without adding to its RSS. Reading another process's
/// memory faults its pages in; the runtime's metadata, read to name the types, lies in assembly files it
/// has mapped but mostly never touched: faulting those in added 6.6 MB to the RSS of a minimal ASP.NET Core
/// app, and about 9 MB to the Router's peak RSS in a smoke run (the very number the scale scenario reports).
/// So a page of a private file mapping that the process has not modified (not an anonymous page in
/// /proc/PID/pagemap) is read from the file itself; everything else (the GC heap, modified pages) from the process.
/// </summary>
public sealed class FileBackedPagesReader : IDataReader, IDisposable
{
    private const int PageSize = 4096;

    private readonly IDataReader process;
    private readonly Mapping[] mappings;
    private readonly SafeFileHandle pagemap;
    private readonly Dictionary<string, SafeFileHandle> files = [];

    private sealed record Mapping(ulong Start, ulong End, string Path, long Offset);

    public FileBackedPagesReader(IDataReader process, int pid)
    {
        this.process = process;
        mappings = [.. File.ReadLines($"/proc/{pid}/maps").Select(Parse).OfType<Mapping>().OrderBy(m => m.Start)];
        pagemap = File.OpenHandle($"/proc/{pid}/pagemap");
    }

    /// <summary>A private mapping of a file that still exists ("start-end perms offset dev inode path"); null for anything else.</summary>
    private static Mapping? Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6 || fields[1][3] != 'p' || !fields[5].StartsWith('/') || fields[5].EndsWith(" (deleted)", StringComparison.Ordinal) || !File.Exists(fields[5]))
        {
            return null;
        }

        var range = fields[0].Split('-');
        return new Mapping(ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            fields[5], long.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    public int Read(ulong address, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var at = address + (ulong)done;
            var index = MappingAt(at);
            var rest = buffer[done..];
            int chunk, read;
            if (index >= 0 && at < mappings[index].End)
            {
                var mapping = mappings[index];
                // One page at a time: each may or may not have been modified.
                chunk = (int)Math.Min((ulong)rest.Length, Math.Min((at | (PageSize - 1)) + 1, mapping.End) - at);
                read = IsProcessOwn(at)
                    ? process.Read(at, rest[..chunk])
                    : RandomAccess.Read(OpenFile(mapping.Path), rest[..chunk], mapping.Offset + (long)(at - mapping.Start));
            }
            else
            {
                var next = index + 1 < mappings.Length ? mappings[index + 1].Start : ulong.MaxValue;
                chunk = (int)Math.Min((ulong)rest.Length, next - at);
                read = process.Read(at, rest[..chunk]);
            }

            if (read <= 0)
            {
                break;
            }

            done += read;
            if (read < chunk)
            {
                break;
            }
        }

        return done;
    }

    public bool Read<T>(ulong address, out T value)
        where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[Unsafe.SizeOf<T>()];
        var complete = Read(address, bytes) == bytes.Length;
        value = complete ? MemoryMarshal.Read<T>(bytes) : default;
        return complete;
    }

    public T Read<T>(ulong address)
        where T : unmanaged => Read(address, out T value) ? value : default;

    public bool ReadPointer(ulong address, out ulong value)
    {
        if (PointerSize == sizeof(uint))
        {
            var complete = Read(address, out uint narrow);
            value = narrow;
            return complete;
        }

        return Read(address, out value);
    }

    public ulong ReadPointer(ulong address) => ReadPointer(address, out var value) ? value : 0;

    /// <summary>The last file mapping that starts at or below <paramref name="address"/>, -1 if none (it may end below it).</summary>
    private int MappingAt(ulong address)
    {
        int low = 0, high = mappings.Length - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (mappings[middle].Start <= address)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    /// <summary>
    /// True when the page holds the process's own bytes: present and anonymous (copied on write), or swapped out.
    /// Pagemap entry bits: 63 present, 62 swapped, 61 file page or shared anonymous.
    /// </summary>
    private bool IsProcessOwn(ulong address)
    {
        Span<byte> entry = stackalloc byte[8];
        if (RandomAccess.Read(pagemap, entry, (long)(address / PageSize) * 8) < 8)
        {
            return true;
        }

        var bits = BinaryPrimitives.ReadUInt64LittleEndian(entry);
        var present = (bits >> 63) != 0;
        var swapped = ((bits >> 62) & 1) != 0;
        var filePage = ((bits >> 61) & 1) != 0;
        return swapped || (present && !filePage);
    }

    private SafeFileHandle OpenFile(string path)
    {
        if (!files.TryGetValue(path, out var handle))
        {
            handle = File.OpenHandle(path);
            files[path] = handle;
        }

        return handle;
    }

    public string DisplayName => process.DisplayName;

    public bool IsThreadSafe => false;

    public OSPlatform TargetPlatform => process.TargetPlatform;

    public Architecture Architecture => process.Architecture;

    public int ProcessId => process.ProcessId;

    public int PointerSize => process.PointerSize;

    public IEnumerable<ModuleInfo> EnumerateModules() => process.EnumerateModules();

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context) => process.GetThreadContext(threadID, contextFlags, context);

    public void FlushCachedData() => process.FlushCachedData();

    /// <summary>Closes the files; the process reader (and its attachment) belongs to the caller.</summary>
    public void Dispose()
    {
        pagemap.Dispose();
        foreach (var handle in files.Values)
        {
            handle.Dispose();
        }
    }
}
