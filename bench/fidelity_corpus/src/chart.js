import { BarController, BarElement, CategoryScale, Chart, LinearScale } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale);
const chart = new Chart(document.getElementById("sales"), {
  type: "bar",
  data: {
    labels: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    datasets: [{ data: [12, 19, 7, 15, 22, 9, 14], backgroundColor: "#3366cc" }],
  },
  options: { animation: false, responsive: false, plugins: { legend: { display: false } } },
});
document.getElementById("period").addEventListener("change", (e) => {
  const factor = e.target.selectedIndex + 1;
  chart.data.datasets[0].data = chart.data.datasets[0].data.map((v, i) => ((v * factor + i * 3) % 30) + 3);
  chart.update();
});
