using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Switchyard.Bench.Reporting;

/// <summary>Line plots rendered to PNG by gnuplot from data the suite measured.</summary>
public static class Gnuplot
{
    public sealed record Series(string Title, IReadOnlyList<(double X, double Y)> Points);

    /// <summary>Writes docs/images/{fileName} and returns whether gnuplot produced it.</summary>
    public static bool Plot(string imagesDirectory, string workDirectory, string fileName, string title, string xLabel, string yLabel,
        IReadOnlyList<Series> series, string extra = "")
    {
        Directory.CreateDirectory(imagesDirectory);
        Directory.CreateDirectory(workDirectory);
        var script = new StringBuilder();
        script.AppendLine("set terminal pngcairo size 900,480 noenhanced font 'sans,10'");
        script.AppendLine(CultureInfo.InvariantCulture, $"set output '{Path.Combine(imagesDirectory, fileName)}'");
        script.AppendLine(CultureInfo.InvariantCulture, $"set title '{title}'");
        script.AppendLine(CultureInfo.InvariantCulture, $"set xlabel '{xLabel}'");
        script.AppendLine(CultureInfo.InvariantCulture, $"set ylabel '{yLabel}'");
        script.AppendLine("set grid");
        script.AppendLine("set key outside right top");
        script.AppendLine(extra);
        var plots = new List<string>();
        for (var i = 0; i < series.Count; i++)
        {
            var data = Path.Combine(workDirectory, $"{Path.GetFileNameWithoutExtension(fileName)}-{i}.dat");
            File.WriteAllLines(data, series[i].Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X} {p.Y}")));
            plots.Add($"'{data}' using 1:2 with linespoints title '{series[i].Title}'");
        }

        script.AppendLine("plot " + string.Join(", \\\n     ", plots));
        var scriptPath = Path.Combine(workDirectory, Path.GetFileNameWithoutExtension(fileName) + ".gp");
        File.WriteAllText(scriptPath, script.ToString());
        try
        {
            using var process = Process.Start(new ProcessStartInfo("gnuplot", scriptPath) { UseShellExecute = false, RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"gnuplot failed for {fileName}: {errors}");
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("gnuplot is not installed; plots skipped (bench/run installs gnuplot-nox).");
            return false;
        }
    }
}
