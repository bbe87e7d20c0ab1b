import { HomeRedirect } from "@/components/home-redirect.tsx";

export default function Home() {
  return <HomeRedirect />;
}
